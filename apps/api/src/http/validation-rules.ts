import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage> & { rulesRemembered?: true };
type Lookup = Storage['getTargetValidationMetadatas'];
type ValidationMetadata = ReturnType<Lookup>[number];

/**
 * class-validator looks a DTO's rules up again on every validation: it walks every class that has
 * rules to find the DTO's ancestors, then groups the rules by property
 * (`getTargetValidationMetadatas`, 1.5% of a write's CPU in bench:api's profile). The rules
 * change only when a class with rules is defined, so the answer is remembered per DTO and
 * arguments, and all of it forgotten whenever a rule is added. class-validator only reads what
 * it is given (it filters into new arrays), so one answer can serve every validation.
 */
export function rememberValidationRules(storage: Storage = getMetadataStorage()): void {
  if (storage.rulesRemembered) return;
  storage.rulesRemembered = true;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  let found = new Map<unknown, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  storage.addValidationMetadata = (rule) => {
    found = new Map();
    grouped = new WeakMap();
    addRule(rule);
  };
  storage.getTargetValidationMetadatas = ((target, schema, always, strictGroups, groups) => {
    const key = `${schema}|${always}|${strictGroups}|${groups?.join(',') ?? ''}`;
    let byKey = found.get(target);
    if (!byKey) found.set(target, (byKey = new Map()));
    let rules = byKey.get(key);
    if (!rules) byKey.set(key, (rules = lookUp(target, schema, always, strictGroups, groups)));
    return rules;
  }) as Lookup;
  storage.groupByPropertyName = (rules) => {
    let byProperty = grouped.get(rules);
    if (!byProperty) grouped.set(rules, (byProperty = group(rules)));
    return byProperty;
  };
}
