import type QRCodeModule from 'qrcode';

let loaded: typeof QRCodeModule | undefined;

/**
 * The `qrcode` library, required on first use: only a TOTP enrolment (the page or
 * `tokengate totp enrol`) draws a QR code, and loading it cost every start of the gateway and
 * of each CLI command about 20 ms and 1 MB of heap (docs/performance.md, "Start time").
 */
export function qrCode(): typeof QRCodeModule {
  loaded ??= require('qrcode') as typeof QRCodeModule;
  return loaded;
}
