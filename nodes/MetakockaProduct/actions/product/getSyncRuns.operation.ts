import { getSyncRunsOperation } from '../../../shared/getSyncRuns';

export const { description, execute } = getSyncRunsOperation('product');
