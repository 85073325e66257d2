package io.mmdeploy.engine.tofu;

/**
 * A saved plan and the SHA-256 of its bytes. Approval is given to the hash: apply refuses a file whose
 * hash differs.
 *
 * @param path the plan file, relative to the workspace root
 * @param sha256 64 lowercase hex digits
 */
public record PlanFile(String path, String sha256) {}
