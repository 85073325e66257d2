package io.mmdeploy.engine.config;

/**
 * One deploy target. Every resource it names belongs to this environment alone (the isolation preflight
 * enforces it).
 *
 * @param name e.g. {@code staging}
 * @param branch the git branch that deploys here
 * @param projectId the GCP project id
 * @param projectNumber the GCP project number (digits), as Cloud Run URLs carry it
 * @param region the Cloud Run and Artifact Registry region
 * @param registry the Artifact Registry Docker repository images are pushed to
 * @param credentialsId the Jenkins credentials id; null means Application Default Credentials
 * @param tofu where the environment's OpenTofu configuration is
 * @param serviceUrlsSecret the Secret Manager secret holding the services' URLs (default {@code service-urls-<env>})
 * @param serviceNameSuffix appended to Cloud Run service and job names (seed 002: {@code -staging} for staging)
 * @param tags the image tag scheme
 * @param approval the approval policy
 * @param promotion where its images are promoted from instead of built; null when they are built here
 * @param vulnerabilities the vulnerability gate; null when the environment has none
 * @param retention what {@code mmdeploy retention} keeps
 * @param webhooks the webhooks its deploys notify (the config's {@code notify}); empty for none
 * @param rollout how its services take a new revision (a canary); null: traffic moves at once
 */
public record EnvironmentSpec(
        String name,
        String branch,
        String projectId,
        String projectNumber,
        String region,
        RegistryPath registry,
        String credentialsId,
        TofuSpec tofu,
        String serviceUrlsSecret,
        String serviceNameSuffix,
        TagScheme tags,
        ApprovalPolicy approval,
        PromotionSpec promotion,
        VulnerabilityPolicy vulnerabilities,
        RetentionPolicy retention,
        java.util.List<WebhookSpec> webhooks,
        RolloutPolicy rollout) {

    public EnvironmentSpec {
        retention = retention == null ? RetentionPolicy.defaults() : retention;
        webhooks = webhooks == null ? java.util.List.of() : java.util.List.copyOf(webhooks);
    }

    /** An environment that builds its own images, has no vulnerability gate, the default retention and notifies nobody. */
    public EnvironmentSpec(String name, String branch, String projectId, String projectNumber, String region, RegistryPath registry,
            String credentialsId, TofuSpec tofu, String serviceUrlsSecret, String serviceNameSuffix, TagScheme tags, ApprovalPolicy approval) {
        this(name, branch, projectId, projectNumber, region, registry, credentialsId, tofu, serviceUrlsSecret, serviceNameSuffix, tags,
                approval, null, null, null, java.util.List.of(), null);
    }
}
