package dev.edgeagent.agent.upload;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Uploads to any S3 API through the AWS SDK v2 (which does the signing): one PUT up to the multipart
 * threshold, a multipart upload above it. Every request carries Content-MD5, so the server rejects bytes
 * damaged on the way; after the upload a HEAD confirms size, the SHA-256 kept as object metadata, and the
 * ETag the server should have computed (MD5, or MD5 of part MD5s for multipart).
 */
public final class S3UploadTarget implements UploadTarget {

    /** User metadata key holding the object's SHA-256 (x-amz-meta-sha256). */
    public static final String SHA256_METADATA = "sha256";

    private final S3TargetSettings settings;
    private final S3Client s3;
    private final java.util.concurrent.atomic.AtomicLong alreadyStored = new java.util.concurrent.atomic.AtomicLong();

    public S3UploadTarget(S3TargetSettings settings) {
        this.settings = settings;
        AwsCredentialsProvider credentials = settings.accessKeyId() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // integrity is Content-MD5 + HEAD confirmation; the SDK's newer default checksums (trailing
                // CRC headers with chunked encoding) are not understood by every S3-compatible store
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // the uploader has its own backoff across outages; keep the SDK's retries short
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(2)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        this.s3 = builder.build();
    }

    private String fullKey(String key) {
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    @Override
    public void put(String key, Path file, long size, String sha256Hex, String contentType) throws UploadException {
        String objectKey = fullKey(key);
        try {
            // a HEAD first: it has no body, so a refusal (credentials, policy) comes back as a clear 403 rather
            // than as a broken pipe while sending megabytes; and a batch re-sent after a crash that is already
            // stored whole is not sent again (no second version in a versioned bucket, no wasted uplink)
            HeadObjectResponse existing = head(objectKey);
            if (existing != null && existing.contentLength() != null && existing.contentLength() == size
                    && sha256Hex.equals(existing.metadata().get(SHA256_METADATA))) {
                alreadyStored.incrementAndGet();
                return;
            }
            String expectedEtag = size > settings.multipartThreshold()
                    ? multipart(objectKey, file, size, sha256Hex, contentType)
                    : single(objectKey, file, size, sha256Hex, contentType);
            confirm(objectKey, size, sha256Hex, expectedEtag);
        } catch (S3Exception e) {
            int status = e.statusCode();
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                    : e.awsErrorDetails().errorCode();
            throw new UploadException("s3://" + settings.bucket() + "/" + objectKey + ": HTTP " + status
                    + (code.isEmpty() ? "" : " " + code) + hint(status, code), !needsOperator(status, code), e);
        } catch (SdkClientException e) {
            throw new UploadException("s3://" + settings.bucket() + "/" + objectKey + ": " + e.getMessage()
                    + (String.valueOf(e.getMessage()).contains("writing request body")
                    ? " (the server closed the connection while the body was sent: often a refused request)" : ""),
                    true, e);
        } catch (SdkException | IOException e) {
            throw new UploadException("s3://" + settings.bucket() + "/" + objectKey + ": " + e, true, e);
        }
    }

    /** Only these wait for a person; everything else (5xx, throttling, BadDigest, RequestTimeout) is retried. */
    private static boolean needsOperator(int status, String code) {
        return status == 401 || status == 403 || switch (code) {
            case "NoSuchBucket", "InvalidBucketName", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
                 "AllAccessDisabled", "AccountProblem" -> true;
            default -> false;
        };
    }

    private static String hint(int status, String code) {
        if (status == 401 || status == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
            return " (check agent.upload.s3 credentials, and that the policy allows s3:PutObject, s3:GetObject"
                    + " and s3:ListBucket: without ListBucket a HEAD of a new key is refused instead of 404)";
        }
        if ("NoSuchBucket".equals(code)) {
            return " (the bucket does not exist: check agent.upload.target)";
        }
        return "";
    }

    /** The stored object's metadata, or null when there is none yet. */
    private HeadObjectResponse head(String objectKey) {
        try {
            return s3.headObject(b -> b.bucket(settings.bucket()).key(objectKey));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Parts of an upload interrupted by a crash are billed until aborted: abort them before starting again. */
    private void abortStaleUploads(String objectKey) {
        for (MultipartUpload stale : s3.listMultipartUploads(b -> b.bucket(settings.bucket()).prefix(objectKey)).uploads()) {
            if (stale.key().equals(objectKey)) {
                s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(objectKey).uploadId(stale.uploadId()));
            }
        }
    }

    private String single(String objectKey, Path file, long size, String sha256Hex, String contentType)
            throws IOException, UploadException {
        byte[][] digests = Checksums.of(file, 0, size, "MD5", "SHA-256");
        byte[] md5 = digests[0];
        requireManifestHash(file, digests[1], sha256Hex);
        s3.putObject(PutObjectRequest.builder()
                        .bucket(settings.bucket()).key(objectKey)
                        .contentType(contentType).contentLength(size)
                        .contentMD5(Base64.getEncoder().encodeToString(md5))
                        .metadata(Map.of(SHA256_METADATA, sha256Hex))
                        .build(),
                RequestBody.fromFile(file));
        return HexFormat.of().formatHex(md5);
    }

    /** The pass that computes Content-MD5 also checks the local object against its manifest. */
    private static void requireManifestHash(Path file, byte[] sha256, String expected) throws UploadException {
        String actual = HexFormat.of().formatHex(sha256);
        if (!actual.equals(expected)) {
            throw UploadException.corruptSource(file + " has SHA-256 " + actual + "; its manifest says " + expected);
        }
    }

    private String multipart(String objectKey, Path file, long size, String sha256Hex, String contentType)
            throws IOException, UploadException {
        abortStaleUploads(objectKey);
        String uploadId = s3.createMultipartUpload(CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket()).key(objectKey).contentType(contentType)
                .metadata(Map.of(SHA256_METADATA, sha256Hex)).build()).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            MessageDigest etagOfParts = Checksums.digest("MD5");
            MessageDigest wholeSha = Checksums.digest("SHA-256");
            long partSize = settings.partSize();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                MessageDigest partMd5 = Checksums.digest("MD5");
                Checksums.update(file, offset, length, partMd5, wholeSha);
                byte[] md5 = partMd5.digest();
                etagOfParts.update(md5);
                final long from = offset;
                String etag = s3.uploadPart(UploadPartRequest.builder()
                                .bucket(settings.bucket()).key(objectKey).uploadId(uploadId)
                                .partNumber(number).contentLength(length)
                                .contentMD5(Base64.getEncoder().encodeToString(md5)).build(),
                        RequestBody.fromContentProvider(() -> rangeStream(file, from, length), length,
                                "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            requireManifestHash(file, wholeSha.digest(), sha256Hex);   // before the parts become an object
            s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                    .bucket(settings.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()).build());
            return HexFormat.of().formatHex(etagOfParts.digest()) + "-" + parts.size();
        } catch (RuntimeException | IOException | UploadException e) {
            // leave no orphaned parts behind (they cost storage until a lifecycle rule removes them)
            try {
                s3.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                        .bucket(settings.bucket()).key(objectKey).uploadId(uploadId).build());
            } catch (SdkException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /** A fresh stream over one part of the file each time the SDK asks (it may re-read on retry). */
    private static InputStream rangeStream(Path file, long offset, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch);
            return new java.io.FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void confirm(String objectKey, long size, String sha256Hex, String expectedEtag) throws UploadException {
        HeadObjectResponse head = s3.headObject(b -> b.bucket(settings.bucket()).key(objectKey));
        String where = "s3://" + settings.bucket() + "/" + objectKey;
        if (head.contentLength() == null || head.contentLength() != size) {
            throw new UploadException(where + " holds " + head.contentLength() + " bytes after upload, expected " + size, true);
        }
        String storedSha = head.metadata().get(SHA256_METADATA);
        if (!sha256Hex.equals(storedSha)) {
            throw new UploadException(where + " has sha256 metadata " + storedSha + ", expected " + sha256Hex, true);
        }
        String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
        // ETags are MD5-based except with SSE-KMS/SSE-C; verify-etag: false for such buckets
        if (settings.verifyETag() && !etag.equalsIgnoreCase(expectedEtag)) {
            throw new UploadException(where + " has ETag " + etag + ", expected " + expectedEtag
                    + " (the stored bytes differ from the local batch)", true);
        }
    }

    /** Puts skipped because the identical object was already stored (a retry after a crash). */
    public long alreadyStored() {
        return alreadyStored.get();
    }

    @Override
    public String describe() {
        return "s3://" + settings.bucket() + (settings.prefix().isEmpty() ? "" : "/" + settings.prefix())
                + (settings.endpoint() == null ? "" : " at " + settings.endpoint());
    }

    @Override
    public void close() {
        s3.close();
    }
}
