// SPARQL editor: YASGUI (vendored) against this server's /sparql, with the example queries as buttons.
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  var examples = JSON.parse(document.getElementById("example-queries").textContent || "[]");
  if (!host || typeof window.Yasgui === "undefined") {
    if (host) {
      host.innerHTML = '<p class="message">De editor kon niet laden (vendor-bestanden ontbreken: voer <code>make install</code> uit).</p>';
    }
    return;
  }
  var Yasgui = window.Yasgui;
  // One local endpoint: no remote class/property suggestions (they would call an outside service).
  if (Yasgui.Yasqe && Yasgui.Yasqe.defaults) {
    Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
    if (examples.length) Yasgui.Yasqe.defaults.value = examples[0].query;
  }
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(host, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "beleidsgraaf-sparql",
    populateFromUrl: false
  });

  function show(query, run) {
    var tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(query);
    if (run) tab.getYasqe().query();
  }

  var fromUrl = new URLSearchParams(window.location.search).get("query");
  if (fromUrl) {
    show(fromUrl, true);
  } else if (!yasgui.getTab().getQuery().trim() && examples.length) {
    show(examples[0].query, false);
  }
  document.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = examples[Number(button.getAttribute("data-example"))];
      if (example) show(example.query, true);
    });
  });
})();
