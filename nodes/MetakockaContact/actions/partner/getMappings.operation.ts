import { getMappingsOperation } from '../../../shared/getMappings';

export const { description, execute } = getMappingsOperation('partner', 'contact', 'partner');
