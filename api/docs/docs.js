// Starts Swagger UI on Kohorte's OpenAPI document. This file exists so that
// the page needs no inline script under its Content-Security-Policy.
"use strict";

// showProblem scrolls to the problem type that the address names, as a
// problem's "type" (/api/docs#problem-cohort.full) links to it; Swagger UI
// renders the page after load, so the browser cannot do it by itself.
function showProblem() {
  var hash = decodeURIComponent(location.hash.slice(1));
  if (hash.indexOf("problem-") !== 0) {
    return;
  }
  var target = document.getElementById(hash);
  if (target) {
    target.scrollIntoView();
  }
}

window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  docExpansion: "list",
  defaultModelRendering: "model",
  defaultModelExpandDepth: 5,
  defaultModelsExpandDepth: 1,
  showCommonExtensions: true,
  validatorUrl: null,
  onComplete: showProblem,
});
