// Verifies a Sigstore bundle written by the Stele CLI with the Sigstore JavaScript verifier
// (@sigstore/verify, through the conformance harness's helper), offline, against a trusted root
// that holds only the given log key.
//
//   node verify-with-sigstore-js.mjs HARNESS_DIR LOG_URL LOG_KEY_PEM SIGNER_KEY_PEM BUNDLE ARTIFACT
//
// Prints "VERIFIED" and exits 0, or "REJECTED <code>: <message>" and exits 1; a usage or setup
// error exits 2.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [harnessDir, logUrl, logKeyFile, signerKeyFile, bundleFile, artifactFile] = process.argv.slice(2);
if (!artifactFile) {
  console.error('usage: verify-with-sigstore-js.mjs HARNESS_DIR LOG_URL LOG_KEY_PEM SIGNER_KEY_PEM BUNDLE ARTIFACT');
  process.exit(2);
}
const lib = (name) => pathToFileURL(path.join(path.resolve(harnessDir), 'lib', name)).href;
const { buildTrustedRoot, loadPublicKey } = await import(lib('trust.mjs'));
const { verifyBundle } = await import(lib('verify.mjs'));

const bundleJSON = JSON.parse(fs.readFileSync(bundleFile, 'utf8'));
const trustedRootJSON = buildTrustedRoot({ baseUrl: logUrl, logKey: loadPublicKey(fs.readFileSync(logKeyFile)) });
const signer = {
  hint: bundleJSON.verificationMaterial?.publicKey?.hint ?? '',
  publicKeyPem: fs.readFileSync(signerKeyFile, 'utf8'),
};
const result = verifyBundle({ bundleJSON, artifact: fs.readFileSync(artifactFile), trustedRootJSON, signer });
if (result.ok) {
  console.log('VERIFIED');
  process.exit(0);
}
console.log(`REJECTED ${result.code}: ${result.message}`);
process.exit(1);
