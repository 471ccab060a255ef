/**
 * Profiles for the offline ceremonies, which run without a deployment (and so without its
 * configuration): the built-in ones, compiled once.
 */
import { BUILTIN_PROFILES, compileProfiles, type Profile } from '@fleetpki/core';
import { ServiceError } from '@fleetpki/ca';

let compiled: ReadonlyMap<string, Profile> | null = null;

export function builtinProfile(name: string): Profile {
  compiled ??= compileProfiles(BUILTIN_PROFILES);
  const profile = compiled.get(name);
  if (!profile) throw new ServiceError('PROFILE_NOT_FOUND', `no built-in profile named ${name}`);
  return profile;
}
