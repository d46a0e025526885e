#!/usr/bin/env node
// The Sigstore JavaScript clients (@sigstore/sign and @sigstore/verify, pinned in package.json
// and package-lock.json) run against a Stele log, for the cross-client tests (CrossClientIT).
// Three commands:
//
//   record (--url URL | --signing-config FILE) --key KEY --kind hashedrekord|dsse --artifact FILE --bundle OUT
//     Signs with KEY (an ECDSA P-256 private key, PKCS#8 PEM as `stele keygen` writes it; an
//     encrypted one is opened with STELE_KEY_PASSWORD, as the Stele CLI does), records the entry
//     in the log at URL through @sigstore/sign's Rekor v1 client, and writes the Sigstore bundle
//     to OUT. hashedrekord signs FILE itself; dsse signs an in-toto statement whose one subject
//     is FILE's SHA-256. Prints "RECORDED <kind> logIndex=<n> api=<1|2>". With --signing-config
//     (a Sigstore signing_config.json v0.2), the log and its Rekor API version are the ones
//     @sigstore/sign's bundleBuilderFromSigningConfig picks (its rule, restated below because that
//     function also wants a Fulcio CA: the valid logs of API version 2 or less, newest start first),
//     passed to the same RekorWitness.
//
//   trusted-root --url URL --log-key LOG_KEY --out OUT
//     Writes a Sigstore trusted root that trusts exactly LOG_KEY (PEM public key) for URL.
//
//   verify --bundle BUNDLE [--artifact FILE] --key SIGNER_KEY (--log-key LOG_KEY --url URL | --trusted-root ROOT) [--timestamps N]
//     Verifies BUNDLE offline with @sigstore/verify: the artifact signature with SIGNER_KEY (PEM
//     public key), and the log entry (SET, inclusion proof, signed checkpoint) with the log's key.
//     A dsse bundle may be checked without FILE. --timestamps is the Verifier's timestampThreshold
//     (default 1: the SET of a Rekor v1 entry; a keyed Rekor v2 entry has none, give 0).
//     Prints "VERIFIED" or "REJECTED <code>: <message>".
//
// Exit status: 0 done or verified; 1 rejected (or the log refused the entry); 2 usage or setup
// error. Nothing here prints key material: errors show only their message.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import { SigningConfig, TrustedRoot } from '@sigstore/protobuf-specs';
import { DSSEBundleBuilder, MessageSignatureBundleBuilder, RekorWitness } from '@sigstore/sign';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

const USAGE = `usage:
  node sigstore-js.mjs record (--url URL | --signing-config FILE) --key KEY --kind hashedrekord|dsse --artifact FILE --bundle OUT
  node sigstore-js.mjs trusted-root --url URL --log-key LOG_KEY --out OUT
  node sigstore-js.mjs verify --bundle BUNDLE [--artifact FILE] --key SIGNER_KEY (--log-key LOG_KEY --url URL | --trusted-root ROOT) [--timestamps N]`;

class UsageError extends Error {}

function options(args, allowed) {
  const out = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.startsWith('--') ? args[i].slice(2) : undefined;
    if (!name || !allowed.includes(name)) throw new UsageError(`unexpected argument ${args[i]}`);
    if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value`);
    out[name] = args[i + 1];
  }
  return out;
}

function need(opts, ...names) {
  for (const n of names) if (opts[n] === undefined) throw new UsageError(`--${n} is required`);
}

// ECDSA P-256 is the one key type both the Stele log and a hashedrekord signer use here.
function requireP256(key, what) {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new UsageError(`${what} is not an ECDSA P-256 key`);
  }
  return key;
}

function privateKey(file) {
  const pem = fs.readFileSync(file);
  const passphrase = process.env.STELE_KEY_PASSWORD;
  try {
    return requireP256(crypto.createPrivateKey(passphrase ? { key: pem, format: 'pem', passphrase } : pem), file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read the private key ${file}${passphrase ? '' : ' (encrypted? set STELE_KEY_PASSWORD)'}`);
  }
}

function publicKey(file) {
  return requireP256(crypto.createPublicKey(fs.readFileSync(file)), file);
}

const spki = (key) => key.export({ format: 'der', type: 'spki' });
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest();

// The bundle names the signer's key by a hint; the Stele CLI ignores it, sigstore-js looks the
// key up by it. The SHA-256 of the key's SubjectPublicKeyInfo makes it unambiguous.
const hintFor = (key) => sha256(spki(key)).toString('hex');

// The Rekor service @sigstore/sign 4.1.1 selects from a signing config (config.js, tlogService):
// API version 2 or less, validity not ended, newest start first.
function tlogFromSigningConfig(file) {
  const config = SigningConfig.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  const now = new Date();
  const valid = config.rekorTlogUrls
    .filter((s) => s.majorApiVersion <= 2 && (!s.validFor?.end || s.validFor.end >= now))
    .sort((a, b) => (b.validFor?.start?.getTime() ?? 0) - (a.validFor?.start?.getTime() ?? 0));
  if (valid.length === 0) throw new UsageError(`no usable Rekor log in ${file}`);
  return { url: valid[0].url, majorApiVersion: valid[0].majorApiVersion };
}

async function record(opts) {
  need(opts, 'key', 'kind', 'artifact', 'bundle');
  if ((opts.url === undefined) === (opts['signing-config'] === undefined)) {
    throw new UsageError('give --url or --signing-config');
  }
  const tlog = opts.url !== undefined ? { url: opts.url, majorApiVersion: 1 } : tlogFromSigningConfig(opts['signing-config']);
  const key = privateKey(opts.key);
  const pub = crypto.createPublicKey(key);
  const signer = {
    async sign(data) {
      return {
        signature: crypto.sign('sha256', data, key),
        key: { $case: 'publicKey', publicKey: pub.export({ format: 'pem', type: 'spki' }).toString(), hint: hintFor(pub) },
      };
    },
  };
  const witness = new RekorWitness({
    rekorBaseURL: tlog.url, majorApiVersion: tlog.majorApiVersion, entryType: 'dsse', fetchOnConflict: false,
    timeout: 30000, retry: 0,
  });
  const artifact = fs.readFileSync(opts.artifact);
  let bundle;
  if (opts.kind === 'hashedrekord') {
    bundle = await new MessageSignatureBundleBuilder({ signer, witnesses: [witness] }).create({ data: artifact });
  } else if (opts.kind === 'dsse') {
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: opts.artifact.split('/').pop(), digest: { sha256: sha256(artifact).toString('hex') } }],
      predicateType: 'https://example.com/stele/e2e/cross-client/v1',
      predicate: {},
    };
    bundle = await new DSSEBundleBuilder({ signer, witnesses: [witness] })
      .create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' });
  } else {
    throw new UsageError(`--kind must be hashedrekord or dsse, not ${opts.kind}`);
  }
  fs.writeFileSync(opts.bundle, JSON.stringify(bundleToJSON(bundle), null, 2));
  console.log(`RECORDED ${opts.kind} logIndex=${bundle.verificationMaterial.tlogEntries[0].logIndex} api=${tlog.majorApiVersion}`);
  return 0;
}

function trustedRootFor(url, logKey) {
  const der = spki(logKey);
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        // sigstore-js accepts a checkpoint signature only from a log whose URL contains the
        // signer's name, which a Stele log takes from its URL's host.
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: der.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          // Before any entry of a test log: sigstore-js checks integratedTime against it.
          validFor: { start: '2000-01-01T00:00:00Z' },
        },
        // Rekor v1 log ID: SHA-256 of the log key's SubjectPublicKeyInfo.
        logId: { keyId: sha256(der).toString('base64') },
      },
    ],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
}

function writeTrustedRoot(opts) {
  need(opts, 'url', 'log-key', 'out');
  fs.writeFileSync(opts.out, JSON.stringify(trustedRootFor(opts.url, publicKey(opts['log-key'])), null, 2));
  console.log(`WROTE ${opts.out}`);
  return 0;
}

function verify(opts) {
  need(opts, 'bundle', 'key');
  let rootJSON;
  if (opts['trusted-root'] !== undefined) {
    if (opts['log-key'] !== undefined) throw new UsageError('give --log-key or --trusted-root, not both');
    rootJSON = JSON.parse(fs.readFileSync(opts['trusted-root'], 'utf8'));
  } else {
    need(opts, 'log-key', 'url');
    rootJSON = trustedRootFor(opts.url, publicKey(opts['log-key']));
  }
  const bundleJSON = JSON.parse(fs.readFileSync(opts.bundle, 'utf8'));
  const signerKey = publicKey(opts.key);
  const hint = bundleJSON.verificationMaterial?.publicKey?.hint ?? '';
  const artifact = opts.artifact === undefined ? undefined : fs.readFileSync(opts.artifact);
  try {
    const material = toTrustMaterial(TrustedRoot.fromJSON(rootJSON), {
      [hint]: { rawBytes: spki(signerKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256' },
    });
    // One log entry, and its SET as the one trusted time: what a Rekor v1 bundle without a
    // certificate carries.
    const timestampThreshold = opts.timestamps === undefined ? 1 : Number(opts.timestamps);
    new Verifier(material, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold })
      .verify(toSignedEntity(bundleFromJSON(bundleJSON), artifact));
  } catch (err) {
    console.log(`REJECTED ${err.code ?? err.name}: ${err.message}`);
    return 1;
  }
  console.log('VERIFIED');
  return 0;
}

async function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case 'record':
      return record(options(args, ['url', 'signing-config', 'key', 'kind', 'artifact', 'bundle']));
    case 'trusted-root':
      return writeTrustedRoot(options(args, ['url', 'log-key', 'out']));
    case 'verify':
      return verify(options(args, ['bundle', 'artifact', 'key', 'log-key', 'url', 'trusted-root', 'timestamps']));
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`sigstore-js.mjs: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    // The log refused the entry, or could not be reached.
    console.error(`sigstore-js.mjs: ${err.code ? `${err.code}: ` : ''}${err.message}${err.cause ? ` (${err.cause.message})` : ''}`);
    process.exit(1);
  },
);
