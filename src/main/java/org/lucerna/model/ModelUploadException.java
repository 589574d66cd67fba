package org.lucerna.model;

/** An upload refused for what its body is, or for where it would go; nothing of it is kept. */
public final class ModelUploadException extends ModelException {
  /** Why; the HTTP layer gives each its status. */
  public enum Reason {
    /** Not a format the service reads. */
    UNKNOWN_FORMAT,
    /** An archive entry that could reach outside the folder, or an archive that cannot be read. */
    UNSAFE_ARCHIVE,
    /** More entries or unpacked bytes than the bounds allow. */
    TOO_LARGE,
    /** The files hold no model that the repository reads. */
    NO_MODEL,
    /** The version is there already. */
    EXISTS
  }

  private final Reason reason;

  public ModelUploadException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
