import { getMappingsOperation } from '../../../shared/getMappings';

export const { description, execute } = getMappingsOperation('salesDocument', 'sales_document', 'document');
