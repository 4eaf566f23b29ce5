// Starts Swagger UI on Kohorte's OpenAPI document. This file exists so that
// the page needs no inline script under its Content-Security-Policy.
"use strict";

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
});
