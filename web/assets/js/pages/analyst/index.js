// The analyst's pages register their routes (router.js addRoutes) and messages (i18n.js
// addMessages) here; app.js imports this module once.
export {};
