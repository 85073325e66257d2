# Built-in pieces only (terraform_data, local-exec, the local backend), so a real tofu/terraform runs it offline.
terraform {
  backend "local" {}
}

variable "agent_image" {
  type = string
}

variable "users_image" {
  type = string
}

variable "slow_seconds" {
  type    = string
  default = "0"
}

variable "token" {
  type      = string
  sensitive = true
  default   = "real-sensitive-token-42"
}

resource "terraform_data" "agent" {
  input = var.agent_image
}

resource "terraform_data" "users" {
  input = var.users_image
}

# Holds the state lock while its provisioner sleeps (lock contention test).
resource "terraform_data" "slow" {
  triggers_replace = var.slow_seconds
  provisioner "local-exec" {
    command = "sleep ${var.slow_seconds}"
  }
}

output "service_urls" {
  value = {
    for name, r in { agent = terraform_data.agent, users = terraform_data.users } :
    name => "https://${name}-${substr(sha256(r.output), 0, 10)}.a.run.app"
  }
}

output "token" {
  value     = var.token
  sensitive = true
}
