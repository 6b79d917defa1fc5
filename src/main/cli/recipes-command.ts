import type { Command } from 'commander';
import { RECIPES } from '../../shared/recipes';

export function registerRecipes(program: Command): void {
  program
    .command('recipes')
    .description('list every recipe with a one-line description')
    .option('--json', 'print the catalogue as JSON')
    .action((options: { json?: boolean }) => {
      if (options.json) return console.log(JSON.stringify(RECIPES, null, 1));
      const width = Math.max(...RECIPES.map((r) => r.name.length)) + 2;
      for (const r of RECIPES) console.log(`${r.name.padEnd(width)}${r.family.padEnd(12)}${r.description}`);
    });
}
