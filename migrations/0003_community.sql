CREATE TABLE `blocks` (
	`blocker_id` text NOT NULL,
	`blocked_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`blocker_id`, `blocked_id`),
	FOREIGN KEY (`blocker_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`blocked_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `blocks_blocked_idx` ON `blocks` (`blocked_id`,`blocker_id`);--> statement-breakpoint
CREATE TABLE `follows` (
	`follower_id` text NOT NULL,
	`followee_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`follower_id`, `followee_id`),
	FOREIGN KEY (`follower_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`followee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `follows_followee_idx` ON `follows` (`followee_id`,`created_at`,`follower_id`);--> statement-breakpoint
CREATE INDEX `follows_follower_created_idx` ON `follows` (`follower_id`,`created_at`,`followee_id`);--> statement-breakpoint
CREATE TABLE `mutes` (
	`muter_id` text NOT NULL,
	`muted_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`muter_id`, `muted_id`),
	FOREIGN KEY (`muter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`muted_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text NOT NULL,
	`approved_at` text,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_user_idx` ON `group_members` (`user_id`,`status`,`group_id`);--> statement-breakpoint
CREATE INDEX `group_members_group_status_idx` ON `group_members` (`group_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`kind` text DEFAULT 'interest' NOT NULL,
	`city_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_slug_unique` ON `groups` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `groups_city_community_idx` ON `groups` (`city_id`) WHERE kind = 'city';--> statement-breakpoint
CREATE INDEX `groups_city_idx` ON `groups` (`city_id`,`kind`,`name`);--> statement-breakpoint
CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`key` text NOT NULL,
	`content_type` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`bytes` integer NOT NULL,
	`created_at` text NOT NULL,
	`attached_at` text,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `media_owner_idx` ON `media` (`owner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `media_unattached_idx` ON `media` (`attached_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `stories` (
	`id` text PRIMARY KEY NOT NULL,
	`author_id` text NOT NULL,
	`media_id` text,
	`text` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`media_id`) REFERENCES `media`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `stories_author_idx` ON `stories` (`author_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `stories_expires_idx` ON `stories` (`expires_at`);--> statement-breakpoint
CREATE INDEX `stories_media_idx` ON `stories` (`media_id`);--> statement-breakpoint
CREATE TABLE `comments` (
	`id` text PRIMARY KEY NOT NULL,
	`post_id` text NOT NULL,
	`author_id` text NOT NULL,
	`parent_id` text,
	`body` text NOT NULL,
	`edited_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `comments_post_idx` ON `comments` (`post_id`,`parent_id`,`id`);--> statement-breakpoint
CREATE INDEX `comments_parent_idx` ON `comments` (`parent_id`,`id`);--> statement-breakpoint
CREATE TABLE `link_previews` (
	`post_id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`title` text,
	`description` text,
	`image_url` text,
	`site_name` text,
	`fetched_at` text,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `post_media` (
	`post_id` text NOT NULL,
	`media_id` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`post_id`, `position`),
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`media_id`) REFERENCES `media`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `post_media_media_idx` ON `post_media` (`media_id`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` text PRIMARY KEY NOT NULL,
	`author_id` text NOT NULL,
	`body` text NOT NULL,
	`visibility` text NOT NULL,
	`group_id` text,
	`event_id` text,
	`city_id` text,
	`edited_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `posts_author_idx` ON `posts` (`author_id`,`id`);--> statement-breakpoint
CREATE INDEX `posts_group_idx` ON `posts` (`group_id`,`id`);--> statement-breakpoint
CREATE INDEX `posts_event_idx` ON `posts` (`event_id`,`id`);--> statement-breakpoint
CREATE INDEX `posts_city_idx` ON `posts` (`city_id`,`visibility`,`id`);--> statement-breakpoint
CREATE TABLE `reactions` (
	`post_id` text NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`post_id`, `user_id`),
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reactions_post_type_idx` ON `reactions` (`post_id`,`type`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`user_id` text PRIMARY KEY NOT NULL,
	`email_types` text NOT NULL,
	`digest` text DEFAULT 'off' NOT NULL,
	`last_digest_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`actor_id` text,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`dedupe_key` text,
	`created_at` text NOT NULL,
	`read_at` text,
	`mailed_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`user_id`,`read_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe_idx` ON `notifications` (`user_id`,`dedupe_key`) WHERE dedupe_key IS NOT NULL;--> statement-breakpoint
-- Full-text search (docs/community.md §search): one FTS5 index per kind, rowid = the source row's
-- rowid, kept in step by triggers. unicode61 with remove_diacritics 2 folds case and accents
-- ("cancion" finds "Canción"); prefix indexes make "milon*" cheap.
CREATE VIRTUAL TABLE `search_people` USING fts5(`handle`, `display_name`, `bio`, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `search_people` (rowid, `handle`, `display_name`, `bio`) VALUES (new.rowid, new.handle, new.display_name, new.bio);
END;--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF `handle`, `display_name`, `bio` ON `users` BEGIN
  DELETE FROM `search_people` WHERE rowid = old.rowid;
  INSERT INTO `search_people` (rowid, `handle`, `display_name`, `bio`) VALUES (new.rowid, new.handle, new.display_name, new.bio);
END;--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `search_people` WHERE rowid = old.rowid;
END;--> statement-breakpoint
INSERT INTO `search_people` (rowid, `handle`, `display_name`, `bio`) SELECT rowid, `handle`, `display_name`, `bio` FROM `users`;--> statement-breakpoint
CREATE VIRTUAL TABLE `search_events` USING fts5(`title`, `description`, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `events_search_insert` AFTER INSERT ON `events` BEGIN
  INSERT INTO `search_events` (rowid, `title`, `description`) VALUES (new.rowid, new.title, new.description);
END;--> statement-breakpoint
CREATE TRIGGER `events_search_update` AFTER UPDATE OF `title`, `description` ON `events` BEGIN
  DELETE FROM `search_events` WHERE rowid = old.rowid;
  INSERT INTO `search_events` (rowid, `title`, `description`) VALUES (new.rowid, new.title, new.description);
END;--> statement-breakpoint
CREATE TRIGGER `events_search_delete` AFTER DELETE ON `events` BEGIN
  DELETE FROM `search_events` WHERE rowid = old.rowid;
END;--> statement-breakpoint
INSERT INTO `search_events` (rowid, `title`, `description`) SELECT rowid, `title`, `description` FROM `events`;--> statement-breakpoint
CREATE VIRTUAL TABLE `search_posts` USING fts5(`body`, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `posts_search_insert` AFTER INSERT ON `posts` BEGIN
  INSERT INTO `search_posts` (rowid, `body`) VALUES (new.rowid, new.body);
END;--> statement-breakpoint
CREATE TRIGGER `posts_search_update` AFTER UPDATE OF `body` ON `posts` BEGIN
  DELETE FROM `search_posts` WHERE rowid = old.rowid;
  INSERT INTO `search_posts` (rowid, `body`) VALUES (new.rowid, new.body);
END;--> statement-breakpoint
CREATE TRIGGER `posts_search_delete` AFTER DELETE ON `posts` BEGIN
  DELETE FROM `search_posts` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE VIRTUAL TABLE `search_groups` USING fts5(`name`, `description`, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `groups_search_insert` AFTER INSERT ON `groups` BEGIN
  INSERT INTO `search_groups` (rowid, `name`, `description`) VALUES (new.rowid, new.name, new.description);
END;--> statement-breakpoint
CREATE TRIGGER `groups_search_update` AFTER UPDATE OF `name`, `description` ON `groups` BEGIN
  DELETE FROM `search_groups` WHERE rowid = old.rowid;
  INSERT INTO `search_groups` (rowid, `name`, `description`) VALUES (new.rowid, new.name, new.description);
END;--> statement-breakpoint
CREATE TRIGGER `groups_search_delete` AFTER DELETE ON `groups` BEGIN
  DELETE FROM `search_groups` WHERE rowid = old.rowid;
END;--> statement-breakpoint
-- Every city has its community; new cities get theirs from worker/services/groups.ts.
INSERT INTO `groups` (`id`, `slug`, `name`, `description`, `visibility`, `kind`, `city_id`, `created_at`)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    `slug`, `name` || ' tango community', 'Dancers, organizers and teachers of ' || `name` || '.', 'public', 'city', `id`, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM `cities`;
