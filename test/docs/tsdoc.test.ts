// Every public value export (classes, functions, constants) carries TSDoc with an @example.
import ts from 'typescript';
import { expect, it } from 'vitest';

const entries = [
  'src/index-node.ts',
  'src/testing/index.ts',
  'src/stores/aws/index.ts',
  'src/stores/vault/index.ts',
  'src/stores/redis/index.ts',
  'src/stores/azure/index.ts',
  'src/stores/gcp/index.ts',
  'src/stores/kubernetes/index.ts',
];

it('documents every public value export with an example', () => {
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  let checked = 0;
  for (const entry of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.declarations?.[0];
      if (
        !decl ||
        !(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Function | ts.SymbolFlags.Variable))
      )
        continue;
      checked++;
      const hasDoc = symbol.getDocumentationComment(checker).length > 0;
      const hasExample = ts.getJSDocTags(decl).some((tag) => tag.tagName.text === 'example');
      if (!hasDoc || !hasExample) missing.push(`${exported.name} (${decl.getSourceFile().fileName})`);
    }
  }
  expect(checked).toBeGreaterThan(50);
  expect(missing).toEqual([]);
}, 60_000);
