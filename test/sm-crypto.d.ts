declare module 'sm-crypto';
