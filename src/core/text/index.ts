export { sanitizeLine, sanitizeText } from './sanitize.js';
export { closest } from './distance.js';
export { capShares, capText, decodeContent, formatBytes, headOf, tailOf } from './decode.js';
export { compactNumber, formatCost, formatTotalCost, withThousands, type CostFormat } from './numbers.js';
export { isCount, isString, isStringArray, recordOf } from './record-of.js';
export { createRedactor, type Redactor } from './redact.js';
export { StreamRedactor, shownOfCut } from './stream-redact.js';
export { jsonEscape, parseJson, toJsonText } from './json-text.js';
export { plural } from './plural.js';
