/**
 * The deployment-wide settings the hierarchy use cases keep in the store. `hierarchy` says
 * what kind of hierarchy the store holds; it is written before the first CA so that a
 * store with CAs and no marker can only be an interrupted first start.
 */
export const HIERARCHY_SETTING = 'hierarchy';
export const DEVELOPMENT_HIERARCHY = 'development';
export const PRODUCTION_HIERARCHY = 'production';
