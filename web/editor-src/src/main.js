// The SPARQL editor: CodeMirror 6 over the page's own <textarea>. The form keeps working
// without this script; with it the query gets colours, completion, Ctrl+Enter and an
// error marker. Everything it needs is in the page (no network beyond submitting the form).
import { EditorView, minimalSetup } from "codemirror";
import { keymap, lineNumbers, highlightActiveLine } from "@codemirror/view";
import { EditorState, Prec } from "@codemirror/state";
import { syntaxHighlighting, bracketMatching } from "@codemirror/language";
import { autocompletion, closeBrackets } from "@codemirror/autocomplete";
import { setDiagnostics } from "@codemirror/lint";
import { tagHighlighter, tags } from "@lezer/highlight";
import { sparqlLanguage } from "./sparql.js";
import { completions } from "./complete.js";

// The page's CSP allows no <style> elements, so the editor lives in a shadow root, where
// CodeMirror puts its styles in constructed style sheets; our colours go there as a theme.
const highlighter = tagHighlighter([
  { tag: tags.keyword, class: "tok-keyword" },
  { tag: tags.url, class: "tok-iri" },
  { tag: tags.namespace, class: "tok-prefix" },
  { tag: tags.propertyName, class: "tok-name" },
  { tag: tags.variableName, class: "tok-variable" },
  { tag: tags.string, class: "tok-string" },
  { tag: tags.number, class: "tok-number" },
  { tag: tags.comment, class: "tok-comment" },
  { tag: tags.attributeName, class: "tok-lang" },
]);

const theme = EditorView.theme({
  "&": { border: "1px solid #767676", borderRadius: "3px", background: "#ffffff",
         color: "#1b1b1b", fontSize: "0.95rem", minHeight: "14rem", maxHeight: "32rem" },
  "&.cm-focused": { outline: "3px solid #e07b00", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "ui-monospace, Menlo, Consolas, monospace", overflow: "auto",
                    minHeight: "14rem" },
  ".cm-gutters": { background: "#f3f5f8", color: "#4a4a4a", borderRight: "1px solid #c8c8c8" },
  ".cm-activeLine": { background: "#f3f5f8" },
  ".cm-activeLineGutter": { background: "#e3e8ef" },
  ".tok-keyword": { color: "#7a1f7a", fontWeight: "600" },
  ".tok-iri": { color: "#0b4f8a" },
  ".tok-prefix": { color: "#2e5e1e", fontWeight: "600" },
  ".tok-name": { color: "#2e5e1e" },
  ".tok-variable": { color: "#8a3b0c" },
  ".tok-string": { color: "#a0161b" },
  ".tok-number": { color: "#205a6b" },
  ".tok-comment": { color: "#5f5f5f", fontStyle: "italic" },
  ".tok-lang": { color: "#5f5f5f" },
  ".cm-lintRange-error": { backgroundColor: "#fdecee", textDecoration: "underline wavy #b00020" },
  ".cm-tooltip-autocomplete .cm-completionDetail": { color: "#4a4a4a", marginLeft: "0.5rem",
                                                     fontStyle: "normal" },
});

function readVocabulary() {
  const node = document.getElementById("sparql-vocabulary");
  try {
    return node ? JSON.parse(node.textContent) : { prefixes: {}, terms: [] };
  } catch (error) {
    return { prefixes: {}, terms: [] };
  }
}

function submit(form, view, area) {
  area.value = view.state.doc.toString();
  if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  return true;
}

function markError(view) {
  // The server's error (already in Swedish) carries its line and column: underline it.
  const box = document.getElementById("sparql-error");
  if (!box || !box.dataset.line) { return; }
  const doc = view.state.doc;
  const lineNo = Math.min(Math.max(parseInt(box.dataset.line, 10) || 1, 1), doc.lines);
  const line = doc.line(lineNo);
  const column = Math.max(parseInt(box.dataset.column, 10) || 1, 1);
  const from = Math.min(line.from + column - 1, line.to);
  const word = doc.sliceString(from, line.to).match(/^\S+/);
  const to = word ? from + word[0].length : Math.min(from + 1, doc.length);
  view.dispatch(setDiagnostics(view.state, [{
    from, to: Math.max(to, from), severity: "error", message: box.dataset.message || "Syntaxfel",
  }]));
}

function useExamples(view, status) {
  document.querySelectorAll("a.example").forEach((link) => {
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return; // opening an example in a new tab still works
      }
      const text = new URL(link.href).searchParams.get("query");
      if (text === null) { return; }
      event.preventDefault();
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text },
                      selection: { anchor: 0 } });
      view.focus();
      if (status) {
        status.textContent = "Exempelfrågan \u201d" + (link.dataset.title || "") +
          "\u201d finns nu i frågefältet. Kör den med Ctrl+Enter eller knappen Kör frågan.";
      }
    });
  });
}

function start() {
  const form = document.getElementById("sparql-form");
  const area = document.getElementById("query");
  if (!form || !area) { return; }
  const vocabulary = readVocabulary();
  const run = keymap.of([{ key: "Mod-Enter", run: (view) => submit(form, view, area) }]);
  const host = document.createElement("div");
  host.className = "sparql-editor-host";
  area.parentNode.insertBefore(host, area);
  const shadow = host.attachShadow({ mode: "open" });
  const view = new EditorView({
    parent: shadow,
    root: shadow,
    state: EditorState.create({
      doc: area.value,
      extensions: [
        Prec.highest(run), minimalSetup, lineNumbers(), highlightActiveLine(), bracketMatching(),
        closeBrackets(), sparqlLanguage, syntaxHighlighting(highlighter), theme,
        autocompletion({ override: [completions(vocabulary)], activateOnTyping: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          "aria-label": "SPARQL-fråga", "aria-describedby": "query-help", spellcheck: "false",
          autocapitalize: "off", "aria-multiline": "true",
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) { area.value = update.state.doc.toString(); }
        }),
      ],
    }),
  });
  area.hidden = true;
  const label = form.querySelector("label[for=query]");
  if (label) {
    label.id = "query-label";
    label.addEventListener("click", () => view.focus());
  }
  form.classList.add("has-editor");
  form.addEventListener("submit", () => { area.value = view.state.doc.toString(); });
  markError(view);
  useExamples(view, document.getElementById("sparql-status"));
  window.bokslutEditor = view; // for the browser tests and the console
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
