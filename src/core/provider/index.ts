/**
 * The provider domain's public face. Deliberately free of a static `openai` import: the SDK costs
 * start-up time, so the client module is loaded on the first request through `loadChatClient`.
 */

export { BUILTIN_PROVIDERS, findProvider, listProviders, providerNames } from './registry.js';
export { apiKeyFor, resolveModel, unconfiguredMessage } from './resolve.js';
export { costOf, priceFor, requestCost } from './pricing.js';
export { contextWindowFor, supportsVideo, supportsVision } from './model-info.js';
export { BUILTIN_MODELS, PRICE_TABLE_DATE } from './model-table.js';
export type * from './types.js';

export { createModelService, loadChatClient, type ModelService } from './model-service.js';
export { findLocalServers } from './local-servers.js';
