export { MetakockaClient, SEARCH_PAGE_MAX, PRODUCT_PAGE_MAX, ADD_PARTNER_ADDRESS_FIELDS, DEFAULT_READ_TIMEOUT_MS, DEFAULT_WRITE_TIMEOUT_MS, DEFAULT_MAX_CONCURRENCY } from './client';
export { AdaptiveLimiter, classifyOutcome, limiterFor, peekLimiter, resetLimiters, type LimiterSnapshot, type LimiterStep } from './limiter';
export { MetakockaError, redactSecrets, isNotFound, type Delivery } from './errors';
export { DOC_TYPES, DOC_TYPE_INFO, docTypesForReport, KNOWN_REPORT_IDS, PUT_DOC_TYPES, hasLastChangeFilter, isDocType, orderDirectionFor, unsupportedUpdateFields, type DocTypeInfo } from './doctypes';
export { formatMkDate, formatMkTimestamp, formatMkFilterTimestamp, changedSince, parseMkDate, ljubljanaOffsetMinutes, ljubljanaWallToMs } from './dates';
export { normaliseTaxNumber, sameTaxNumber, normaliseEmail, partnerEmails, hasEmail, taxNumberMatch, type TaxMatch } from './partnerMatch';
export { withoutEnvelope } from './schemas';
export { billingAddress, mainContact, simplePartner, simpleDocument, type SimplePartner, type SimpleDocument } from './records';
export { parseMkNumber, parseMkBoolean, asArray, toWire } from './wire';
export { METHODS, methodUrl, type CallKind } from './paths';
export type {
	MkValue,
	Partner,
	PartnerBlock,
	PartnerContact,
	PartnerAddress,
	Product,
	Warehouse,
	StockRow,
	MkDocument,
	MkDocumentLine,
	PutDocumentResult,
	SearchHit,
} from './schemas';
export type {
	MetakockaCredentials,
	ClientLogger,
	ClientOptions,
	WriteResult,
	PartnerLookup,
	PartnerInput,
	PartnerContactInput,
	PartnerAddressInput,
	AddPartnerResult,
	ProductInput,
	ProductFilter,
	StockFilter,
	DocType,
	SearchDocType,
	DocumentInput,
	DocumentLineInput,
	SearchParams,
	SearchPage,
} from './types';
