// Completion of prefixes, of the vocabulary's classes and properties, and of keywords.
import { KEYWORDS } from "./sparql.js";

const KINDS = { class: "klass", property: "egenskap", individual: "resurs" };

export function completions(vocabulary) {
  const prefixes = Object.entries(vocabulary.prefixes || {}).map(([name, iri]) => ({
    label: name + ":", type: "namespace", detail: iri, boost: name === "bk" ? 2 : 0,
  }));
  const terms = (vocabulary.terms || []).map((t) => ({
    label: t.name, type: t.kind === "class" ? "class" : "property",
    detail: (KINDS[t.kind] || t.kind) + (t.label ? " – " + t.label : ""),
    info: t.comment || undefined,
  }));
  const words = KEYWORDS.map((k) => ({ label: k, type: "keyword" }));
  return (context) => {
    const named = context.matchBefore(/[A-Za-z][\w-]*:[\w-]*/);
    if (named) {
      const prefix = named.text.slice(0, named.text.indexOf(":") + 1);
      const options = terms.filter((t) => t.label.startsWith(prefix));
      return options.length ? { from: named.from, options, validFor: /^[\w-]*:?[\w-]*$/ } : null;
    }
    const word = context.matchBefore(/[A-Za-z][\w-]*/);
    if (!word && !context.explicit) { return null; }
    return {
      from: word ? word.from : context.pos,
      options: prefixes.concat(words),
      validFor: /^[\w-]*$/,
    };
  };
}
