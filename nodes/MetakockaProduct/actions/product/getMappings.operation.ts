import { getMappingsOperation } from '../../../shared/getMappings';

export const { description, execute } = getMappingsOperation('product', 'product', 'product');
