import { z } from "zod";

// Validation messages that a schema does not set itself (zod's defaults,
// such as "expected object, received array") come out in Spanish, like the
// rest of the API's messages.
z.config(z.locales.es());

export { z };
