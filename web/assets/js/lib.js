// The one place the pages get Preact, its hooks and htm from (the npm package htm's standalone
// build, copied in at build time by tools/build_web.js).
export {
  html,
  render,
  useState,
  useEffect,
  useRef,
  useMemo,
  useCallback,
  useContext,
  createContext,
} from '../vendor/preact-htm.mjs';
