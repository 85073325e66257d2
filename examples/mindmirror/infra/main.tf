# One configuration for both environments; the environment's var file decides the project.
terraform {
  backend "gcs" {}
  required_providers {
    google = {
      source = "hashicorp/google"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

locals {
  services = {
    "agent-service"     = var.agent_service_container_image
    "journal-service"   = var.journal_service_container_image
    "habits-service"    = var.habits_service_container_image
    "meals-service"     = var.meals_service_container_image
    "movements-service" = var.movements_service_container_image
    "practices-service" = var.practices_service_container_image
    "users-service"     = var.users_service_container_image
  }

  # The migrations mm-deploy.yaml names: each runs the image of its service, with the config's timeoutSeconds.
  migrations = {
    "migrate-main"   = { image = var.users_service_container_image, timeout = "900s" }
    "migrate-habits" = { image = var.habits_service_container_image, timeout = "600s" }
  }
}

# Traffic is mm-deploy's, not OpenTofu's: an apply creates the new revision, and mm-deploy moves the traffic to it
# (at once, or step by step where mm-deploy.yaml has a rollout). Without ignore_changes an apply would send all of it
# to the new revision before the canary, and undo a rollback's pin.
resource "google_cloud_run_v2_service" "service" {
  for_each = local.services
  name     = "${each.key}${var.service_name_suffix}"
  location = var.region
  template {
    containers {
      image = each.value
    }
  }
  lifecycle {
    ignore_changes = [traffic]
  }
}

# The celery worker (mm-deploy.yaml: health kind ready): no ingress, always one instance with its CPU on, so it
# consumes the queue without requests. It is not in service_urls: nothing calls it.
resource "google_cloud_run_v2_service" "worker" {
  name     = "celery-worker${var.service_name_suffix}"
  location = var.region
  ingress  = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  template {
    scaling {
      min_instance_count = 1
    }
    containers {
      image = var.celery_worker_container_image
      resources {
        cpu_idle = false
      }
    }
  }
  lifecycle {
    ignore_changes = [traffic]
  }
}

# The gateway's traffic moves with its apply (it has its own gate and health check; no canary).
resource "google_cloud_run_v2_service" "gateway" {
  name     = "mesh-gateway${var.service_name_suffix}"
  location = var.region
  template {
    containers {
      image = var.gateway_container_image
    }
  }
}

resource "google_cloud_run_v2_job" "migration" {
  for_each = local.migrations
  name     = "${each.key}${var.service_name_suffix}"
  location = var.region
  template {
    task_count = 1
    template {
      # A migration that failed half-way must be looked at, not re-run blindly.
      max_retries = 0
      timeout     = each.value.timeout
      containers {
        image   = each.value.image
        command = ["python", "-m", "alembic"]
        args    = ["upgrade", "head"]
      }
    }
  }
}

output "service_urls" {
  value = { for name, svc in google_cloud_run_v2_service.service : name => svc.uri }
}

output "gateway_url" {
  value = google_cloud_run_v2_service.gateway.uri
}
