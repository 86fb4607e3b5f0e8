/** The form chunk's file, relative to widget.js, named by its content hash: set by the build (vite.config.ts). */
declare const __WAITLINE_FORM__: string;
