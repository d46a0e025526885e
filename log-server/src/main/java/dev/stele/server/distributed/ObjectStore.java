package dev.stele.server.distributed;

import dev.stele.server.log.Blocking;
import dev.stele.server.storage.StorageException;
import dev.stele.server.storage.StoreUnavailableException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3-compatible object store of the distributed driver: the only class that talks to S3.
 * Object keys are the C2SP tlog-tiles paths ({@code checkpoint}, {@code tile/<L>/<N>[.p/<W>]},
 * {@code tile/entries/<N>[.p/<W>]}), so the bucket can be served as it is by a CDN or a static
 * web server.
 *
 * <p>Path-style addressing ({@code endpoint/bucket/key}), which every S3-compatible server
 * (MinIO, Ceph, S3Proxy) accepts. Credentials come from the standard AWS variables and files
 * unless given. A PUT that returns is durable as far as the store promises (S3: on success).
 * Every method blocks.
 */
final class ObjectStore implements AutoCloseable {
  private final S3Client s3;
  private final String bucket;
  private final URI endpoint;

  ObjectStore(DistributedStorage cfg) {
    AwsCredentialsProvider credentials = cfg.s3AccessKey() == null
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(cfg.s3AccessKey(), cfg.s3SecretKey()));
    this.endpoint = cfg.s3Endpoint();
    this.bucket = cfg.s3Bucket();
    this.s3 = S3Client.builder()
        .endpointOverride(cfg.s3Endpoint())
        .region(Region.of(cfg.s3Region()))
        .credentialsProvider(credentials)
        // Plain signed payloads: S3-compatible stores do not all accept the SDK's default of
        // chunked uploads with trailing checksums (S3Proxy 2.6 refuses them).
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).chunkedEncodingEnabled(false).build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        // Short deadlines: a frontend whose store is down answers 503 quickly rather than hang.
        .httpClientBuilder(Apache5HttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(10))
            .maxConnections(64))
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(15)))
        .build();
  }

  /** Creates the bucket if it does not exist (a fresh deployment, the tests). */
  void ensureBucket() throws StorageException {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (S3Exception e) {
      if (e.statusCode() != 404) throw failed("check bucket " + bucket, e);
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException raced) {
        // Another frontend created it at the same moment.
      } catch (SdkException e2) {
        throw failed("create bucket " + bucket, e2);
      }
    } catch (SdkException e) {
      throw failed("check bucket " + bucket, e);
    }
  }

  /** Writes an object; returns once the store has acknowledged it. */
  void put(String key, byte[] content, String contentType, String cacheControl) throws StorageException {
    assert Blocking.offEventLoop("S3: put " + key);
    try {
      s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).cacheControl(cacheControl),
          RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw failed("put " + key, e);
    }
  }

  /** The object's content, or null if there is no such object. */
  byte[] get(String key) throws StorageException {
    assert Blocking.offEventLoop("S3: get " + key);
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return null;
      throw failed("get " + key, e);
    } catch (SdkException e) {
      throw failed("get " + key, e);
    }
  }

  /**
   * Checks that the store answers, within {@link #PROBE_TIMEOUT}: the readiness probe's question.
   *
   * @throws StorageException if it does not, or refuses the bucket
   */
  void probe() throws StorageException {
    assert Blocking.offEventLoop("S3: probe");
    try {
      s3.headBucket(HeadBucketRequest.builder().bucket(bucket)
          .overrideConfiguration(o -> o.apiCallTimeout(PROBE_TIMEOUT)).build());
    } catch (SdkException e) {
      throw failed("check bucket " + bucket, e);
    }
  }

  /** How long the readiness probe waits for the store. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  /**
   * What a failed call means for the caller: a store that cannot be reached, does not answer in
   * time or answers 5xx (down, restarting, overloaded: S3's 503 SlowDown) is unavailable for the
   * moment, a 503 to clients; anything else (a refused signature, a missing bucket) is a fault.
   */
  private StorageException failed(String op, SdkException e) {
    String what = "object store " + endpoint + "/" + bucket + ": " + op;
    boolean passes = e instanceof SdkClientException
        || e instanceof S3Exception s && (s.statusCode() >= 500 || s.statusCode() == 429);
    return passes ? new StoreUnavailableException("object store", what, e) : new StorageException(what, e);
  }

  String describe() {
    return endpoint + "/" + bucket;
  }

  @Override
  public void close() {
    s3.close();
  }
}
