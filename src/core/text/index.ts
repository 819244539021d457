export { sanitizeLine, sanitizeText } from './sanitize.js';
export { closest } from './distance.js';
export { capText, decodeContent, formatBytes } from './decode.js';
export { isCount, isString, isStringArray, recordOf } from './record-of.js';
export { createRedactor, type Redactor } from './redact.js';
export { jsonEscape, toJsonText } from './json-text.js';
