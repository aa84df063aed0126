package dev.edgeagent.agent.upload;

/** An upload that did not complete or could not be confirmed. */
public final class UploadException extends Exception {

    private final boolean retryable;

    public UploadException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public UploadException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    /** False when only an operator can fix it (credentials, missing bucket); the agent still keeps the batch. */
    public boolean retryable() {
        return retryable;
    }
}
