import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every database call is awaited (db/index.ts `Db`), so a call whose promise
 * nobody awaits is a write that lands after its transaction committed, or an
 * error nobody hears. This is `no-floating-promises` for the server and its
 * tests: a statement that is only a call (or property read) of a promise or
 * thenable. Deliberate fire-and-forget is spelled `void call()`.
 */
describe('no floating promises', () => {
  it('awaits, returns or voids every promise in server/, db/, bench/ and test/', () => {
    const configPath = ts.findConfigFile('.', ts.sys.fileExists, 'tsconfig.json')!;
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, '.');
    const program = ts.createProgram(config.fileNames, config.options);
    const checker = program.getTypeChecker();
    const thenable = (type: ts.Type): boolean => (type.isUnion() ? type.types.some(thenable) : type.getProperty('then') !== undefined);
    const floating: string[] = [];
    let files = 0;
    for (const source of program.getSourceFiles()) {
      if (source.isDeclarationFile || !/(^|\/)(server|db|bench|test)\//.test(source.fileName) || source.fileName.includes('node_modules')) continue;
      files++;
      const visit = (node: ts.Node) => {
        if (ts.isExpressionStatement(node) && (ts.isCallExpression(node.expression) || ts.isPropertyAccessExpression(node.expression))) {
          if (thenable(checker.getTypeAtLocation(node.expression))) {
            const { line } = source.getLineAndCharacterOfPosition(node.getStart());
            floating.push(`${source.fileName}:${line + 1}: ${node.getText().slice(0, 100)}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(files).toBeGreaterThan(300);
    expect(floating).toEqual([]);
  }, 120_000);
});
