package dev.edgeagent.agent.upload;

/**
 * Where and how to reach an S3 API. {@code endpoint} null = AWS; credentials null = the AWS default chain.
 */
public record S3TargetSettings(String endpoint, String region, String bucket, String prefix, boolean pathStyle,
                               String accessKeyId, String secretAccessKey, long multipartThreshold, long partSize,
                               boolean verifyETag) {

    public S3TargetSettings {
        prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        if (partSize < 5L << 20) {
            throw new IllegalArgumentException("partSize " + partSize + ": S3 parts are at least 5 MiB");
        }
    }

    @Override
    public String toString() {
        return "S3TargetSettings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix="
                + prefix + ", pathStyle=" + pathStyle + ", accessKeyId=" + accessKeyId + ", secretAccessKey="
                + (secretAccessKey == null ? null : "****") + ", multipartThreshold=" + multipartThreshold
                + ", partSize=" + partSize + ", verifyETag=" + verifyETag + "]";
    }
}
