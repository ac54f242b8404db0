/* python.org: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  function detectOS() {
    var ua = navigator.userAgent || "";
    if (/Windows/i.test(ua)) return "windows";
    if (/Macintosh|Mac OS X/i.test(ua)) return "macos";
    if (/Linux|X11|BSD/i.test(ua)) return "source";
    return "unknown";
  }

  function showDownloadFor(container) {
    var os = detectOS();
    var blocks = container.querySelectorAll("[class^='download-os-'], .download-unknown");
    var match = container.querySelector(".download-os-" + os);
    blocks.forEach(function (el) {
      el.hidden = match ? el !== match : !el.classList.contains("download-unknown");
    });
  }

  function loadInto(el, url) {
    if (el.dataset.loaded) return Promise.resolve();
    el.dataset.loaded = "1";
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        template.content.querySelectorAll("script").forEach(function (s) { s.remove(); });
        var inner = template.content.querySelector("li.super-navigation");
        el.replaceChildren(inner ? inner : template.content);
        showDownloadFor(el);
      })
      .catch(function () { delete el.dataset.loaded; });
  }

  // Sponsorship application, step 1: picking a package ticks the benefits it includes (and only those); the
  // applicant may still add or remove benefits, which the PSF sees as a customised package.
  document.querySelectorAll(".sponsorship-benefits-form").forEach(function (form) {
    form.querySelectorAll("input[name=package]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        form.querySelectorAll("input[data-packages]").forEach(function (box) {
          box.checked = radio.value !== "" && box.dataset.packages.split(" ").indexOf(radio.value) !== -1;
        });
      });
    });
  });

  // Supernav dropdown panels: loaded from /box/<label>/ the first time a section is opened.
  document.querySelectorAll("#mainnav .tier-1").forEach(function (item) {
    var panel = item.querySelector(".supernav");
    function open() {
      item.classList.add("open");
      if (panel) loadInto(panel, "/box/" + encodeURIComponent(panel.dataset.box) + "/");
    }
    function close() { item.classList.remove("open"); }
    item.addEventListener("mouseenter", open);
    item.addEventListener("mouseleave", close);
    item.addEventListener("focusin", open);
    item.addEventListener("focusout", function (event) {
      if (!item.contains(event.relatedTarget)) close();
    });
    item.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); item.querySelector("a").focus(); }
    });
  });

  // The account menu and other per-visitor fragments, so cached pages stay identical for everyone.
  document.querySelectorAll("[data-html-include]").forEach(function (el) {
    fetch(el.getAttribute("data-html-include"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { el.innerHTML = html; })
      .catch(function () { /* the page is complete without it */ });
  });

  // Phone-sized screens: the main menu folds behind a button.
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var expanded = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!expanded));
      nav.classList.toggle("expanded", !expanded);
    });
  }
})();
