package dev.edgeagent.agent.upload;

/** An upload that did not complete or could not be confirmed. */
public final class UploadException extends Exception {

    private final boolean retryable;
    private final boolean corruptSource;

    public UploadException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, false, cause);
    }

    private UploadException(String message, boolean retryable, boolean corruptSource, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.corruptSource = corruptSource;
    }

    /** The local object does not match its manifest (size or SHA-256): it must not be uploaded, ever. */
    public static UploadException corruptSource(String message) {
        return new UploadException(message, false, true, null);
    }

    public boolean corruptSource() {
        return corruptSource;
    }

    public UploadException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    /** False when only an operator can fix it (credentials, missing bucket); the agent still keeps the batch. */
    public boolean retryable() {
        return retryable;
    }
}
