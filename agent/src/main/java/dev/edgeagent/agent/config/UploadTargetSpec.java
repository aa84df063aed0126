package dev.edgeagent.agent.config;

import java.nio.file.Path;

/** The parsed {@code agent.upload.target}: a local directory, or an S3 bucket with an optional key prefix. */
public record UploadTargetSpec(Kind kind, Path directory, String bucket, String prefix) {

    public enum Kind { file, s3 }

    public static UploadTargetSpec parse(String target) {
        if (target.startsWith("file:")) {
            String dir = target.substring("file:".length());
            if (dir.startsWith("//")) {
                dir = dir.substring(2);
            }
            if (dir.isBlank()) {
                throw new IllegalArgumentException("file:DIRECTORY with a directory, e.g. file:var/upload");
            }
            return new UploadTargetSpec(Kind.file, Path.of(dir), null, "");
        }
        if (target.startsWith("s3://")) {
            String rest = target.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("s3://BUCKET[/PREFIX] with a valid bucket name (3-63 lower-case letters, digits, '.', '-')");
            }
            return new UploadTargetSpec(Kind.s3, null, bucket, prefix);
        }
        throw new IllegalArgumentException("file:DIRECTORY or s3://BUCKET[/PREFIX]");
    }
}
