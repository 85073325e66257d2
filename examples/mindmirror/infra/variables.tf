variable "project_id" {
  type = string
}

variable "project_numerical_id" {
  type = string
}

variable "region" {
  type = string
}

variable "environment" {
  type = string
}

variable "service_name_suffix" {
  type    = string
  default = ""
}

variable "agent_service_container_image" { type = string }
variable "journal_service_container_image" { type = string }
variable "habits_service_container_image" { type = string }
variable "meals_service_container_image" { type = string }
variable "movements_service_container_image" { type = string }
variable "practices_service_container_image" { type = string }
variable "users_service_container_image" { type = string }
variable "celery_worker_container_image" { type = string }
variable "gateway_container_image" { type = string }
