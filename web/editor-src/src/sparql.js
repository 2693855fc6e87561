// A small SPARQL 1.1 tokenizer of our own for CodeMirror's StreamLanguage: keywords,
// IRIs, prefixed names, variables, strings, numbers and comments. It only colours text;
// the server's parser decides what is valid.
import { StreamLanguage } from "@codemirror/language";

export const KEYWORDS = [
  "BASE", "PREFIX", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "DISTINCT", "REDUCED", "FROM",
  "NAMED", "WHERE", "GRAPH", "OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "VALUES", "SERVICE",
  "SILENT", "AS", "GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "EXISTS",
  "NOT", "IN", "UNDEF", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT",
  "SEPARATOR", "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND",
  "ABS", "CEIL", "FLOOR", "ROUND", "CONCAT", "STRLEN", "UCASE", "LCASE", "ENCODE_FOR_URI",
  "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "YEAR", "MONTH", "DAY", "HOURS",
  "MINUTES", "SECONDS", "TIMEZONE", "TZ", "NOW", "UUID", "STRUUID", "MD5", "SHA1", "SHA256",
  "SHA384", "SHA512", "COALESCE", "IF", "STRLANG", "STRDT", "SAMETERM", "ISIRI", "ISURI",
  "ISBLANK", "ISLITERAL", "ISNUMERIC", "REGEX", "SUBSTR", "REPLACE", "TRUE", "FALSE",
];
const KEYWORD_SET = new Set(KEYWORDS);
const NAME_START = /[A-Za-z\u00C0-\u024F_]/;
const NAME_CHAR = /[\w\u00B7\u00C0-\u024F.-]/;

function stringToken(quote, long) {
  // Stays in the string across lines for """…""" and '''…'''.
  return function (stream, state) {
    while (!stream.eol()) {
      if (stream.match("\\", true)) { stream.next(); continue; }
      if (long ? stream.match(quote.repeat(3)) : stream.eat(quote)) {
        state.inside = null;
        return "string";
      }
      stream.next();
    }
    if (!long) { state.inside = null; }
    return "string";
  };
}

function prefixedName(stream) {
  // After a name start: prefix part, ':' and the local part (PN_LOCAL, simplified).
  stream.eatWhile(NAME_CHAR);
  if (stream.eat(":")) {
    stream.eatWhile(NAME_CHAR);
    return stream.current().endsWith(":") ? "namespace" : "propertyName";
  }
  const word = stream.current();
  if (word === "a") { return "keyword"; }
  return KEYWORD_SET.has(word.toUpperCase()) ? "keyword" : null;
}

export const sparqlLanguage = StreamLanguage.define({
  name: "sparql",
  startState: () => ({ inside: null }),
  token(stream, state) {
    if (state.inside) { return state.inside(stream, state); }
    if (stream.eatSpace()) { return null; }
    const ch = stream.peek();
    if (ch === "#") { stream.skipToEnd(); return "comment"; }
    if (ch === "<" && stream.match(/^<[^<>"{}|^`\\\s]*>/)) { return "url"; }
    if ((ch === "?" || ch === "$") && stream.match(/^[?$][\w\u00C0-\u024F]+/)) {
      return "variableName";
    }
    if (ch === '"' || ch === "'") {
      const long = stream.match(ch.repeat(3));
      if (!long) { stream.next(); }
      state.inside = stringToken(ch, Boolean(long));
      return state.inside(stream, state);
    }
    if (ch === "@" && stream.match(/^@[a-zA-Z]+(-[a-zA-Z0-9]+)*/)) { return "attributeName"; }
    if (stream.match(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/)) { return "number"; }
    if (ch === ":") { stream.next(); stream.eatWhile(NAME_CHAR); return "propertyName"; }
    if (NAME_START.test(ch)) { stream.next(); return prefixedName(stream); }
    if (stream.match("^^")) { return "operator"; }
    if (/[{}()[\]]/.test(ch)) { stream.next(); return "bracket"; }
    stream.next();
    return /[=<>!&|*/+-]/.test(ch) ? "operator" : "punctuation";
  },
  languageData: { commentTokens: { line: "#" } },
});
