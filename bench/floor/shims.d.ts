// The floor imports a stylesheet for its side effect (Vite bundles it).
declare module '*.css'
