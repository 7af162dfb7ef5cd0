import { errorResponse } from "@/lib/http/responses";

// Unknown API paths get the JSON error shape instead of the HTML 404 page.
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return errorResponse(
    "not_found",
    404,
    `No existe la ruta ${request.method} ${pathname}. Revisá la lista de rutas en el README.`,
  );
}

export {
  notFound as GET,
  notFound as POST,
  notFound as PATCH,
  notFound as PUT,
  notFound as DELETE,
};
