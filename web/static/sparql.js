/* SPARQL editor conveniences; the page works fully without them. */
(function () {
  "use strict";
  var form = document.getElementById("sparql-form");
  var area = document.getElementById("query");
  var status = document.getElementById("sparql-status");
  if (!form || !area) { return; }

  function submit() {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  }

  /* Ctrl+Enter (Cmd+Enter on a Mac) runs the query. Tab keeps moving focus: no keyboard trap. */
  area.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });

  /* Example links put their query in the editor instead of running it straight away. */
  Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return; /* let people open an example in a new tab */
      }
      var text = new URL(link.href).searchParams.get("query");
      if (text === null) { return; }
      event.preventDefault();
      area.value = text;
      area.focus();
      area.setSelectionRange(0, 0);
      area.scrollTop = 0;
      if (status) {
        status.textContent = "Exempelfrågan \u201d" + (link.dataset.title || "") +
          "\u201d finns nu i frågefältet. Kör den med Ctrl+Enter eller knappen Kör frågan.";
      }
    });
  });
}());
