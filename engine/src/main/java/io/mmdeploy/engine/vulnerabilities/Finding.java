package io.mmdeploy.engine.vulnerabilities;

/**
 * One vulnerability Artifact Analysis found in an image.
 *
 * @param id the vulnerability's id (its note's, e.g. {@code CVE-2024-3094})
 * @param severity {@code CRITICAL}, {@code HIGH}, {@code MEDIUM}, {@code LOW}, {@code MINIMAL} or {@code UNSPECIFIED}
 * @param affectedPackage the package that carries it, with its installed version
 * @param fixedVersion the first version without it; null when there is no fix yet
 */
public record Finding(String id, String severity, String affectedPackage, String fixedVersion) {}
