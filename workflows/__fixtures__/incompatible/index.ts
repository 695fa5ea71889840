/** The incompatible variant's workflows, bundled on their own by the replay test. */
export { accountCollection } from './account-collection';
