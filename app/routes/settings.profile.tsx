import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/settings.profile";
import { AuthCard, FormAlert, FormField, SubmitButton } from "../components/form-field";
import { LabelledSelect } from "../components/labelled-select";
import { fromDomainError, fromZod, type FormProblems } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { tangoRoles } from "../../db/schema/users";
import { SOCIAL_NETWORK_LABELS } from "../lib/social-links";
import { updateProfileInput } from "../../worker/schemas/auth";
import { socialNetworks } from "../../worker/schemas/social-networks";
import { listCities } from "../../worker/services/cities";
import { setAvatar } from "../../worker/services/avatars";
import { getMe, updateMe } from "../../worker/services/users";

export const meta: Route.MetaFunction = () => [{ title: "Your profile — Mundo Tango" }];

export async function loader({ context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/settings/profile");
  const [me, cities] = await Promise.all([getMe(ctx, ctx.user.id), listCities(ctx)]);
  return { me, cities };
}

/** Form fields are strings: an empty one means "clear it". */
function profileFromForm(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const orNull = (name: string) => text(name) || null;
  const years = text("yearsDancing");
  return {
    displayName: text("displayName"),
    bio: text("bio"),
    homeCity: orNull("homeCity"),
    tangoRole: orNull("tangoRole"),
    yearsDancing: years === "" ? null : Number(years),
    languages: text("languages")
      .split(/[\s,]+/)
      .filter(Boolean),
    website: orNull("website"),
    // The whole set is sent: a field left empty removes that link.
    socialLinks: Object.fromEntries(socialNetworks.map((network) => [network, text(`socialLinks.${network}`)]).filter(([, url]) => url !== "")),
    language: text("language") || undefined,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/settings/profile");
  const form = await request.formData();
  if (form.get("intent") === "avatar") return saveAvatar(ctx, form.get("avatar"));
  const parsed = updateProfileInput.safeParse(profileFromForm(form));
  if (!parsed.success) return data({ saved: false, problems: fromZod(parsed.error) }, { status: 400 });
  try {
    await updateMe(ctx, parsed.data);
    return { saved: true, problems: undefined };
  } catch (error) {
    return data({ saved: false, problems: fromDomainError(error) }, { status: (error as { status: number }).status });
  }
}

async function saveAvatar(ctx: Parameters<typeof setAvatar>[0], file: FormDataEntryValue | null) {
  if (!(file instanceof File) || file.size === 0) {
    const problems: FormProblems = { fields: { avatar: "Choose a picture first." } };
    return data({ saved: false, problems }, { status: 400 });
  }
  try {
    await setAvatar(ctx, new Uint8Array(await file.arrayBuffer()));
    return { saved: true, problems: undefined };
  } catch (error) {
    return data({ saved: false, problems: fromDomainError(error) }, { status: (error as { status: number }).status });
  }
}

const ROLE_LABELS = { leader: "Leader", follower: "Follower", both: "Both" } as const;

export default function ProfileSettings({ loaderData, actionData }: Route.ComponentProps) {
  const { me, cities } = loaderData;
  const problems = actionData?.problems;
  return (
    <AuthCard title="Your profile">
      {actionData?.saved && (
        <FormAlert
          tone="success"
          message="Saved. This is what other dancers see on your public profile."
        />
      )}
      <FormAlert message={problems?.form} />
      <Form method="post" encType="multipart/form-data" className="flex flex-wrap items-end gap-4 rounded-xl bg-stone-50 p-4">
        {me.avatarUrl ? (
          <img src={me.avatarUrl} alt="Your current picture" width={64} height={64} className="h-16 w-16 rounded-full object-cover" />
        ) : null}
        <div className="flex flex-col gap-1">
          <label htmlFor="avatar" className="text-sm font-medium text-stone-700">
            Picture (JPEG, PNG or WebP, up to 5 MB)
          </label>
          <input id="avatar" name="avatar" type="file" accept="image/jpeg,image/png,image/webp" aria-describedby={problems?.fields.avatar ? "avatar-error" : undefined} className="text-sm" />
          {problems?.fields.avatar && (
            <p id="avatar-error" className="text-sm text-red-700">
              {problems.fields.avatar}
            </p>
          )}
        </div>
        <button type="submit" name="intent" value="avatar" className="rounded-full border border-tango-600 px-4 py-2 text-sm font-semibold text-tango-700 hover:bg-tango-600 hover:text-white">
          Upload picture
        </button>
      </Form>
      <Form method="post" className="flex flex-col gap-4">
        <FormField label="Name" name="displayName" defaultValue={me.displayName} autoComplete="name" error={problems?.fields.displayName} />
        <div className="flex flex-col gap-1">
          <label htmlFor="bio" className="text-sm font-medium text-stone-700">
            About you
          </label>
          <textarea id="bio" name="bio" rows={4} maxLength={2000} defaultValue={me.bio} className="rounded-lg border border-stone-300 px-3 py-2 text-base" />
          {problems?.fields.bio && <p className="text-sm text-red-700">{problems.fields.bio}</p>}
        </div>
        <LabelledSelect label="Home city" name="homeCity" defaultValue={me.homeCity?.slug ?? ""}>
          <option value="">Not set</option>
          {cities.map((city) => (
            <option key={city.slug} value={city.slug}>
              {city.name}, {city.country}
            </option>
          ))}
        </LabelledSelect>
        <LabelledSelect label="You dance as" name="tangoRole" defaultValue={me.tangoRole ?? ""}>
          <option value="">Prefer not to say</option>
          {tangoRoles.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </LabelledSelect>
        <FormField label="Years dancing" name="yearsDancing" type="number" required={false} defaultValue={me.yearsDancing?.toString() ?? ""} error={problems?.fields.yearsDancing} />
        <FormField label="Languages you speak" name="languages" required={false} hint="Language codes, e.g. es, en, pt-BR" defaultValue={me.languages.join(", ")} error={problems?.fields["languages.0"] ?? problems?.fields.languages} />
        <FormField label="Website" name="website" type="url" required={false} hint="https:// only" defaultValue={me.website ?? ""} error={problems?.fields.website} />
        <fieldset className="flex flex-col gap-3" aria-describedby="social-links-hint">
          <legend className="text-sm font-medium text-stone-700">Elsewhere</legend>
          <p id="social-links-hint" className="text-xs text-stone-500">
            Links to your pages, shown on your public profile. https:// only; leave a field empty to remove it.
          </p>
          {socialNetworks.map((network) => (
            <FormField
              key={network}
              label={SOCIAL_NETWORK_LABELS[network]}
              name={`socialLinks.${network}`}
              type="url"
              required={false}
              defaultValue={me.socialLinks[network] ?? ""}
              error={problems?.fields[`socialLinks.${network}`]}
            />
          ))}
        </fieldset>
        <LabelledSelect label="Mail language" name="language" defaultValue={me.language}>
          <option value="en">English</option>
          <option value="es">Español</option>
        </LabelledSelect>
        <SubmitButton>Save my profile</SubmitButton>
      </Form>
      <p className="flex flex-wrap gap-4 text-sm">
        <a className="font-semibold text-tango-700 underline" href={`/people/${me.handle}`}>
          See your public profile
        </a>
        <a className="font-semibold text-tango-700 underline" href="/settings/account">
          Devices and account
        </a>
      </p>
    </AuthCard>
  );
}
