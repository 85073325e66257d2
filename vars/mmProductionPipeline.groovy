// Seed 002's production pipeline with its two approval gates: the services' plan is approved before
// anything it leads to runs, and the gateway's plan before the gateway moves. Each apply is handed
// the hash of the plan that was approved, and so is the gate, so what runs is exactly what the
// approver saw. The stages are the engine's deploy flow (DeployFlow.titles()) in its order, a gate
// right after the plan it approves: the migrations come after the services' approval, so a
// rejected gate leaves production's schema untouched. The seed's manual PR reviews are the review
// of the commit that reached this branch; the gates are the Jenkins part.

/**
 * @param args config (default mm-deploy.yaml), environment (default production), agent (node label)
 */
void call(Map args = [:]) {
    Map deploy = [environment: 'production'] + args + [gated: true]
    mmDeployRun(deploy) { Map run ->
        Map common = [environment: run.environment, config: run.config]
        Map planOnly = common + [planOnly: true]
        mmDeployRun.onAgent(run) {
            mmDeployRun.preflight(run)
            // The images and the gateway's build at once; the gateway's plan rebuilds it only when the published URLs
            // differ from the expected ones, so an image with wrong URLs is never applied.
            mmDeployRun.imagesAndGateway(run)
        }
        // Each plan reads the environment's state, so it is taken under the lock like everything after it; each
        // gate waits outside the lock and the node, and the plan is taken again after the wait: a stale one is
        // asked for again (mmDeployRun.approvedPlan), and the engine refuses to apply one on its own.
        mmDeployRun.approvedPlan(run, 'services', { mmApplyTofu(planOnly) }) { Map servicesPlan ->
            mmDeployRun.migrate(run)
            mmDeployRun.applyServices(run, servicesPlan)
        }
        mmDeployRun.approvedPlan(run, 'gateway', { mmDeployGateway(planOnly) }) { Map gatewayPlan ->
            mmDeployRun.gatewayAndChecks(run, gatewayPlan)
        }
    }
}
