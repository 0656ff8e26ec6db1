CREATE TABLE `event_organizers` (
	`event_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`added_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `user_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_organizers_user_idx` ON `event_organizers` (`user_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `event_occurrences` (
	`event_id` text NOT NULL,
	`occurrence_key` text NOT NULL,
	`city_id` text NOT NULL,
	`type` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	PRIMARY KEY(`event_id`, `occurrence_key`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `occurrences_city_starts_idx` ON `event_occurrences` (`city_id`,`starts_at`,`event_id`,`occurrence_key`);--> statement-breakpoint
CREATE INDEX `occurrences_type_starts_idx` ON `event_occurrences` (`type`,`starts_at`,`event_id`,`occurrence_key`);--> statement-breakpoint
CREATE INDEX `occurrences_starts_idx` ON `event_occurrences` (`starts_at`,`event_id`,`occurrence_key`);--> statement-breakpoint
CREATE TABLE `occurrence_overrides` (
	`event_id` text NOT NULL,
	`occurrence_key` text NOT NULL,
	`cancelled` integer DEFAULT false NOT NULL,
	`starts_at` text,
	`ends_at` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `occurrence_key`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rsvps` (
	`event_id` text NOT NULL,
	`occurrence_key` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`role` text,
	`seated_role` text,
	`partner_id` text,
	`registered_by` text NOT NULL,
	`queue_seq` integer DEFAULT 0 NOT NULL,
	`registered_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `occurrence_key`, `user_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rsvps_occurrence_status_idx` ON `rsvps` (`event_id`,`occurrence_key`,`status`,`queue_seq`);--> statement-breakpoint
CREATE INDEX `rsvps_user_idx` ON `rsvps` (`user_id`,`registered_at`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`ticket_type_id` text NOT NULL,
	`user_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`stripe_session_id` text,
	`created_at` text NOT NULL,
	`paid_at` text,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_type_id`) REFERENCES `ticket_types`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_stripe_session_id_unique` ON `orders` (`stripe_session_id`);--> statement-breakpoint
CREATE INDEX `orders_user_idx` ON `orders` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_pending_idx` ON `orders` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ticket_types` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`quantity` integer NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`sales_start_at` text,
	`sales_end_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_types_event_idx` ON `ticket_types` (`event_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`event_id` text NOT NULL,
	`ticket_type_id` text NOT NULL,
	`holder_id` text NOT NULL,
	`issued_at` text NOT NULL,
	`used_at` text,
	`checked_in_by` text,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_type_id`) REFERENCES `ticket_types`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`holder_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tickets_event_idx` ON `tickets` (`event_id`,`issued_at`);--> statement-breakpoint
CREATE INDEX `tickets_holder_idx` ON `tickets` (`holder_id`,`issued_at`);--> statement-breakpoint
CREATE INDEX `tickets_order_idx` ON `tickets` (`order_id`);--> statement-breakpoint
ALTER TABLE `events` ADD `search_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `recurrence_rule` text;--> statement-breakpoint
ALTER TABLE `events` ADD `materialized_until` text;--> statement-breakpoint
ALTER TABLE `events` ADD `price_note` text;--> statement-breakpoint
ALTER TABLE `events` ADD `capacity` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `role_balance_tolerance` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `lineup` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `cover_key` text;--> statement-breakpoint
ALTER TABLE `events` ADD `status` text DEFAULT 'scheduled' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `cancelled_at` text;--> statement-breakpoint
ALTER TABLE `events` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `events` ADD `confirmed_at` text;--> statement-breakpoint
ALTER TABLE `events` ADD `reconfirm_reminded_at` text;--> statement-breakpoint
CREATE INDEX `events_series_confirmed_idx` ON `events` (`recurrence_rule`,`confirmed_at`);--> statement-breakpoint
INSERT INTO `event_occurrences` (`event_id`, `occurrence_key`, `city_id`, `type`, `starts_at`, `ends_at`, `status`)
  SELECT `id`, strftime('%Y%m%dT%H%M%SZ', `starts_at`), `city_id`, `type`, `starts_at`, `ends_at`, 'scheduled' FROM `events`;--> statement-breakpoint
INSERT INTO `event_organizers` (`event_id`, `user_id`, `role`, `added_at`)
  SELECT `id`, `organizer_id`, 'owner', `created_at` FROM `events` WHERE `organizer_id` IS NOT NULL;--> statement-breakpoint
UPDATE `events` SET `confirmed_at` = `created_at`, `search_text` = lower(`title`);
