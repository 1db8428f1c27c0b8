export { MappingStore, type WithLocksOptions } from './MappingStore';
export {
	type PostgresConnectionConfig,
	type PostgresSslMode,
	type StoreOptions,
	validateSchemaName,
	normaliseMetakockaHost,
	DEFAULT_METAKOCKA_HOST,
	validateTablePrefix,
	MAX_PREFIX_LENGTH,
	MAX_SCHEMA_LENGTH,
} from './config';
export { StoreError, type StoreErrorCode } from './errors';
export { contentHash, stableStringify } from './hash';
export {
	MappingRepository,
	MAPPING_ENTITIES,
	type Mapping,
	type MappingEntity,
	type MappingListOptions,
	type MappingUpsert,
} from './mappings';
export {
	EmailContactLinks,
	EmailDocumentLinks,
	type EmailContactLink,
	type EmailDocumentLink,
	type StoredEmailContactLink,
	type StoredEmailDocumentLink,
} from './emailLinks';
export {
	TemplateRepository,
	type EmailTemplate,
	type TemplateInput,
	type TemplatePatch,
	type TemplateRef,
} from './templates';
export { ErrorLogRepository, redactSecrets, type ErrorLogEntry, type ErrorLogRecord } from './errorLog';
export { SyncStateRepository } from './syncState';
export {
	SyncRunRepository,
	DEFAULT_RUN_RETENTION_DAYS,
	MAX_RUN_ERRORS,
	MAX_RUN_RETENTION_DAYS,
	type SyncRun,
	type SyncRunEntry,
	type SyncRunError,
	type SyncRunFilter,
} from './syncRuns';
export { MIGRATIONS, LATEST_VERSION, type Migration } from './migrations';
