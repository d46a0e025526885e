/**
 * Container images in an OCI registry: resolving a reference to the manifest digest that gets
 * signed, and storing signatures beside the image the way cosign does. No cryptography here:
 * callers sign and record, this package moves and checks bytes.
 *
 * <pre>
 * RegistryClient client = RegistryClient.builder()
 *     .credentials("registry.example.com", new Credentials(user, password))   // optional
 *     .build();
 * ImageReference ref = ImageReference.parse("registry.example.com/team/app:1.0");
 * Digest digest = client.resolve(ref);                       // sha256 computed and checked here
 * byte[] payload = SimpleSigningPayload.forImage(ref.repository(), digest).toBytes();
 * // ... sign payload, record it in the log, get the entry's bundle ...
 * OciSignatureStore store = new OciSignatureStore(client);
 * store.storeSignature(ref.repository(), digest,
 *     OciSignature.of(payload, base64Signature, new CosignBundle(set, body, time, index, logId).toJson()));
 *
 * for (OciSignature s : store.listSignatures(ref.repository(), digest)) {
 *   SimpleSigningPayload p = SimpleSigningPayload.parse(s.payload());
 *   // verify s.signatureBytes() over s.payload(), require p.manifestDigest().equals(digest), ...
 * }
 * </pre>
 */
package dev.stele.client.oci;
