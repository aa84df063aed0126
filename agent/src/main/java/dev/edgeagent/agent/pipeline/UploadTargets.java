package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.UploadTargetSpec;
import dev.edgeagent.agent.upload.FileUploadTarget;
import dev.edgeagent.agent.upload.S3TargetSettings;
import dev.edgeagent.agent.upload.S3UploadTarget;
import dev.edgeagent.agent.upload.UploadTarget;

/** Builds the configured upload target. */
final class UploadTargets {

    private UploadTargets() {
    }

    static UploadTarget create(AgentConfig config) {
        UploadTargetSpec spec = UploadTargetSpec.parse(config.upload().target());
        if (spec.kind() == UploadTargetSpec.Kind.file) {
            return new FileUploadTarget(spec.directory());
        }
        AgentConfig.S3Config s3 = config.upload().s3();
        return new S3UploadTarget(new S3TargetSettings(s3.endpoint().orElse(null), s3.region(), spec.bucket(),
                spec.prefix(), s3.pathStyle(), s3.accessKeyId().orElse(null), s3.secretAccessKey().orElse(null),
                s3.multipartThreshold().asLongValue(), s3.partSize().asLongValue(), s3.verifyEtag()));
    }
}
