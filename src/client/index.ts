export { MetakockaClient, SEARCH_PAGE_MAX, PRODUCT_PAGE_MAX } from './client';
export { MetakockaError, redactSecrets, type Delivery } from './errors';
export { DOC_TYPES, DOC_TYPE_INFO, docTypesForReport, KNOWN_REPORT_IDS, PUT_DOC_TYPES, hasLastChangeFilter, isDocType, orderDirectionFor, unsupportedUpdateFields, type DocTypeInfo } from './doctypes';
export { formatMkDate, formatMkTimestamp, parseMkDate } from './dates';
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
