/** Trust stores and signed trust bundles (root renewal without a recall). */
export {};
